"""A development check of the EWS simulator's SOAP Autodiscover with exchangelib, not a test.

The project's tests never run this. Start a simulator on port 18091 with Basic auth svc/secret, two
servers in two sites and two registered mailboxes, e.g.:

    EwsSimulator ews = EwsSimulator.builder().basicAuth("svc", "secret").port(18091)
            .mailboxServers(2).sites(2).start();
    ews.registerMailbox("anna@example.com");
    ews.registerMailbox("bert@example.com");

and run (Debian's python3-exchangelib, 4.9):

    /usr/bin/python3 ews_exchangelib_autodiscover_check.py

It sends one GetUserSettings for three users, the middle one unknown. exchangelib 4.9 cannot ask for
GroupingInformation (its settings map lacks it), so it asks for ExternalEwsUrl and UserDisplayName.
What it showed (2026-12-06, schema on): the two registered users' settings, InvalidUser for the
unknown one, in request order; the simulator listed no response error.
"""
from exchangelib import BASIC, Build, Configuration, Credentials, Version
from exchangelib.autodiscover.protocol import AutodiscoverProtocol
from exchangelib.services import GetUserSettings

config = Configuration(service_endpoint='http://127.0.0.1:18091/autodiscover/autodiscover.svc',
                       credentials=Credentials('svc', 'secret'), auth_type=BASIC,
                       version=Version(build=Build(14, 3), api_version='Exchange2010_SP2'))
protocol = AutodiscoverProtocol(config=config)
users = ['anna@example.com', 'nobody@example.com', 'bert@example.com']
for user, r in zip(users, GetUserSettings(protocol=protocol).call(users=users,
                                                                 settings=['external_ews_url', 'user_display_name'])):
    print(user, '->', getattr(r, 'user_settings', None) or r)
