"""A development check of the EWS simulator's streaming notifications with exchangelib, not a test.

The project's tests never run this. Start a simulator on port 18089 with Basic auth svc/secret whose
rep changes a task every two seconds, with a time scale so that a minute lasts three seconds, e.g.:

    EwsSimulator ews = EwsSimulator.builder().basicAuth("svc", "secret").port(18089)
            .timeScale(20).heartbeat(Duration.ofSeconds(20)).start();
    String id = ews.outlook("anna@example.com").create(t -> t.subject("drive")).itemId();
    // then every 2 s: ews.outlook("anna@example.com").setStatus(id, "Completed" or "InProgress")

and run (Debian's python3-exchangelib, 4.9):

    /usr/bin/python3 ews_exchangelib_streaming_check.py

It subscribes to the Tasks folder, reads one GetStreamingEvents connection of one (scaled) minute,
printing each notification as it arrives, then asks for events of an unknown subscription and
unsubscribes twice. What it showed (2026-12-06, with the schema): each status change arrived as a
ModifiedEvent with ItemId and ChangeKey within a second of the change, heartbeats as StatusEvents,
the connection ended at its ConnectionTimeout; the unknown id and the second Unsubscribe raised
ErrorSubscriptionNotFound; the simulator listed no invalid request or response.
"""
import time

from exchangelib import BASIC, IMPERSONATION, Account, Build, Configuration, Credentials, Version

config = Configuration(service_endpoint='http://127.0.0.1:18089/EWS/Exchange.asmx',
                       credentials=Credentials('svc', 'secret'), auth_type=BASIC,
                       version=Version(build=Build(14, 3), api_version='Exchange2010_SP2'))
account = Account('anna@example.com', config=config, autodiscover=False, access_type=IMPERSONATION)
subscription = account.tasks.subscribe_to_streaming()
print('subscription', subscription)
start = time.time()
for notification in account.tasks.get_streaming_events(subscription, connection_timeout=1):
    print(round(time.time() - start, 2), [(type(e).__name__, getattr(e, 'item_id', None)) for e in notification.events])
print('stream ended after', round(time.time() - start, 2), 's')
try:
    for notification in account.tasks.get_streaming_events('bogus', connection_timeout=1):
        print(notification)
except Exception as e:  # the error class is the response code
    print('unknown subscription ->', type(e).__name__, e)
account.tasks.unsubscribe(subscription)
print('unsubscribed')
try:
    account.tasks.unsubscribe(subscription)
except Exception as e:
    print('unsubscribe again ->', type(e).__name__, e)
