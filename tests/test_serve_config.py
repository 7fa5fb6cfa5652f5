"""aftermath.toml as `serve` reads it: [login] and [serve], other sections left alone; who is let in;
what Streamlit is told."""

import json
from pathlib import Path

import pytest

from aftermath.errors import InputError
from aftermath.serve.config import (
    Access,
    ServeConfig,
    is_loopback,
    parse_duration,
    read_config,
    secrets_toml,
)
from aftermath.serve.server import decide_access, streamlit_command

FULL = """
[login]
issuer = "https://accounts.example.com/"
client_id = "aftermath"
redirect_uri = "https://aftermath.example.com/oauth2callback"
allowed_domains = ["Example.com"]
allowed_emails = ["CFO@partner.org"]

[serve]
address = "0.0.0.0"
port = 8600
sync_every = "24h"
exports = "exports"

[sources.zendesk]
subdomain = "acme"
"""


def _config(tmp_path: Path, text: str) -> ServeConfig:
    (tmp_path / "aftermath.toml").write_text(text)
    return read_config(tmp_path / "aftermath.toml")


def test_every_key_of_login_and_serve_is_read(tmp_path):
    config = _config(tmp_path, FULL)
    assert config.login.issuer == "https://accounts.example.com/"
    assert config.login.client_id == "aftermath"
    # Addresses and domains are compared in lower case.
    assert config.login.allowed_domains == ("example.com",)
    assert config.login.allowed_emails == ("cfo@partner.org",)
    assert (config.address, config.port, config.behind_proxy) == ("0.0.0.0", 8600, None)
    assert config.sync_every_seconds == 24 * 3600
    # Relative to the file, not to the folder serve runs in.
    assert config.exports == (tmp_path / "exports").resolve()
    assert config.has_sources


def test_a_file_of_only_other_sections_serves_as_before(tmp_path):
    config = _config(tmp_path, '[sources.statuspage]\nurl = "https://status.example.com"\n')
    assert (config.login, config.address, config.port) == (None, "127.0.0.1", 8501)
    assert decide_access(config) == Access()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[login\n", "not valid TOML"),
        ('[login]\nallowed_domains = "example.com"\n', "[login] allowed_domains must be a list"),
        ('[login]\nallowed_domains = ["a@example.com"]\n', "'a@example.com' is not a domain"),
        ('[login]\nallowed_emails = ["example.com"]\n', "'example.com' is not an address"),
        ('[login]\nissuer = "accounts.example.com"\n', "[login] issuer must be a URL"),
        ('[login]\nredirect_uri = "https://a.example.com/"\n', "ending in /oauth2callback"),
        ('[serve]\nport = "8501"\n', "[serve] port must be a number"),
        ('[serve]\nsync_every = "daily"\n', "'daily' is not a duration"),
        ('[serve]\nbehind_proxy = "X Email"\n', "'X Email' is not an HTTP header name"),
        ("serve = 1\n", "[serve] must be a section"),
    ],
)
def test_a_wrong_value_is_named_with_its_file_and_key(tmp_path, text, message):
    with pytest.raises(InputError, match=str(tmp_path / "aftermath.toml")) as error:
        _config(tmp_path, text)
    assert message in str(error.value)


def test_who_is_let_in():
    access = Access("login", None, ("example.com",), ("cfo@partner.org",))
    assert access.allows("ana@example.com")
    assert access.allows("Ana@Example.COM")
    assert access.allows("cfo@partner.org")
    # Another address of the partner, a subdomain, a look-alike and no address at all.
    assert not access.allows("ceo@partner.org")
    assert not access.allows("ana@eu.example.com")
    assert not access.allows("ana@example.com.evil.org")
    assert not access.allows("example.com")
    assert not access.allows(None)
    # A proxy without a list lets in whom it signed in; a login without one nobody.
    assert Access("proxy", "X-Forwarded-Email").allows("anyone@anywhere.org")
    assert not Access("login").allows("anyone@anywhere.org")


def test_access_travels_to_the_dashboard_unchanged():
    access = Access("proxy", "X-Forwarded-Email", ("example.com",), ())
    assert Access.from_env(access.to_env()) == access
    assert Access.from_env(None) == Access()


def test_what_each_configuration_lets_in(tmp_path):
    config = _config(tmp_path, FULL)
    assert decide_access(config) == Access("login", None, ("example.com",), ("cfo@partner.org",))
    proxied = ServeConfig(address="0.0.0.0", behind_proxy="X-Forwarded-Email")
    assert decide_access(proxied) == Access("proxy", "X-Forwarded-Email")
    with pytest.raises(InputError, match="lets nobody in"):
        decide_access(_config(tmp_path, '[login]\nissuer = "https://a.b"\nclient_id = "x"\n'))
    with pytest.raises(InputError, match=r"needs issuer and client_id"):
        decide_access(_config(tmp_path, '[login]\nallowed_domains = ["example.com"]\n'))


def test_loopback_addresses():
    assert [is_loopback(a) for a in ["127.0.0.1", "127.0.1.1", "::1", "localhost"]] == [True] * 4
    assert [is_loopback(a) for a in ["0.0.0.0", "::", "192.168.1.5", "example.com"]] == [False] * 4


def test_durations():
    assert [parse_duration(d) for d in ["24h", "30m", "1d", "90s"]] == [86400, 1800, 86400, 90]
    for wrong in ["0h", "24", "h", "1w", "-1h"]:
        with pytest.raises(ValueError):
            parse_duration(wrong)


def test_streamlit_secrets_for_the_login(tmp_path):
    login = _config(tmp_path, FULL).login
    assert secrets_toml(login, 8600, 'se"cret', "c" * 32) == (
        "[auth]\n"
        'redirect_uri = "https://aftermath.example.com/oauth2callback"\n'
        f'cookie_secret = "{"c" * 32}"\n'
        'client_id = "aftermath"\n'
        'client_secret = "se\\"cret"\n'
        'server_metadata_url = "https://accounts.example.com/.well-known/openid-configuration"\n'
    )


def test_streamlit_is_served_with_production_manners(tmp_path):
    proxied = ServeConfig(address="0.0.0.0", port=8600, behind_proxy="X-Forwarded-Email")
    command = streamlit_command(proxied, decide_access(proxied), None)
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags == {
        "--server.address": "0.0.0.0",
        "--server.port": "8600",
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",
        "--client.toolbarMode": "minimal",
        "--server.enableXsrfProtection": "true",
        "--server.fileWatcherType": "none",
        "--server.trustedUserHeaders": json.dumps({"X-Forwarded-Email": "email"}),
    }
