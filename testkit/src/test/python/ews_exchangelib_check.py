"""A development check of the EWS simulator with an independent client (exchangelib), not a test.

The project's tests never run this. It drives a running simulator the way a third-party client
does: binds root, msgfolderroot and Tasks (GetFolder with the folder properties exchangelib asks
for), creates a task with a start and due date under a TimeZoneContext header for the zone given,
reads it back, completes it, syncs the folder, deletes it, and prints what it saw.

    apt-get install -y python3-exchangelib          # Debian package
    # start a simulator on port 18089 with Basic auth svc/secret, e.g. from jshell or a tiny main:
    #   EwsSimulator.builder().basicAuth("svc", "secret").port(18089).start();
    /usr/bin/python3 ews_exchangelib_check.py Europe/Berlin [-v]

What it showed (exchangelib 4.9): it sends the date D as D T00:00:00Z together with a
TimeZoneContext of the account's zone, and reads a date from the local time with offset the server
hands back. Under the documented rule (the date-time is taken in the header's zone) that keeps D
east of UTC and D-1 west of it (Honolulu): exchangelib's dates move by a day for reps west of UTC.
"""
import logging
import sys

from exchangelib import (BASIC, IMPERSONATION, Account, Build, Configuration, Credentials, EWSDate, EWSTimeZone,
                         Version)
from exchangelib.items import Task
from exchangelib.util import PrettyXmlHandler

if '-v' in sys.argv:
    logging.basicConfig(level=logging.DEBUG, handlers=[PrettyXmlHandler()])
zone = next((a for a in sys.argv[1:] if not a.startswith('-')), 'Europe/Berlin')
config = Configuration(service_endpoint='http://127.0.0.1:18089/EWS/Exchange.asmx',
                       credentials=Credentials('svc', 'secret'), auth_type=BASIC,
                       version=Version(build=Build(14, 3, 123, 3)))
account = Account('rep@example.com', config=config, autodiscover=False, access_type=IMPERSONATION,
                  default_timezone=EWSTimeZone(zone))
print('root:', account.root.name, '| msgfolderroot:', account.msg_folder_root.name,
      '| tasks:', account.tasks.name, account.tasks.total_count)
task = Task(folder=account.tasks, subject='exchangelib ' + zone, start_date=EWSDate(2026, 5, 2),
            due_date=EWSDate(2026, 5, 4))
task.save()
back = account.tasks.get(id=task.id)
print('sent start 2026-05-02 due 2026-05-04; read back start', back.start_date, 'due', back.due_date)
back.status = 'Completed'
back.save(update_fields=['status'])
back = account.tasks.get(id=task.id)
print('completed:', back.status, back.percent_complete, 'complete date', back.complete_date)
changes = sum(1 for _ in account.tasks.sync_items(only_fields=['subject']))
print('sync_items changes:', changes)
back.delete()
print('deleted')
