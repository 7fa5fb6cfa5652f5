"""A small, real OpenID Connect provider for the login tests, on 127.0.0.1 (no request leaves the
machine): discovery, keys, an authorization page where the test types who signs in, the code
exchange with the client secret and PKCE, RS256-signed ID tokens, user info and sign-out.

What it leaves out (consent, refresh tokens, passwords) `st.login` never asks for.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CODE_SECONDS = 60


class Provider:
    """Serves on a free port of 127.0.0.1 until `close()`; `issuer` is its address."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.signed_out: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def claims(self, email: str) -> dict:
        return {
            "sub": hashlib.sha256(email.encode()).hexdigest()[:16],
            "email": email,
            "email_verified": True,
            "name": email.split("@")[0].title(),
        }


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(provider.metadata())
            elif url.path == "/jwks":
                self._json(KeySet([provider.key]).as_dict(private=False))
            elif url.path == "/authorize":
                self._authorize_page(query)
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.tokens:
                    self._json({"error": "invalid_token"}, 401)
                else:
                    self._json(provider.tokens[token])
            elif url.path == "/logout":
                provider.signed_out.append(query.get("id_token_hint", ""))
                self._redirect(query.get("post_logout_redirect_uri") or provider.issuer)
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            if self.path == "/authorize":
                self._grant(form)
            elif self.path == "/token":
                self._token(form)
            else:
                self._json({"error": "not_found"}, 404)

        def _authorize_page(self, query: dict) -> None:
            if query.get("client_id") != provider.client_id:
                return self._json({"error": "unauthorized_client"}, 400)
            if query.get("redirect_uri") != provider.redirect_uri:
                return self._json(
                    {"error": "invalid_request", "error_description": "redirect"}, 400
                )
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = (
                "<!doctype html><title>Test provider</title><form method=post action=/authorize>"
                f'{hidden}<label>E-mail <input name="email" id="email"></label>'
                '<button type="submit" id="sign-in">Sign in</button></form>'
            )
            self._send(200, "text/html; charset=utf-8", page.encode())

        def _grant(self, form: dict) -> None:
            code = secrets.token_urlsafe(24)
            provider.codes[code] = {**form, "expires": time.time() + CODE_SECONDS}
            params = {"code": code, "state": form.get("state", "")}
            self._redirect(f"{form['redirect_uri']}?{urlencode(params)}")

        def _token(self, form: dict) -> None:
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):
                pair = base64.b64decode(basic[6:]).decode()
                client_id, _, client_secret = pair.partition(":")
            if (client_id, client_secret) != (provider.client_id, provider.client_secret):
                return self._json({"error": "invalid_client"}, 401)
            grant = provider.codes.pop(form.get("code", ""), None)
            if grant is None or grant["expires"] < time.time():
                return self._json({"error": "invalid_grant"}, 400)
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self._json({"error": "invalid_grant"}, 400)
            if "code_challenge" in grant:
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                if challenge != grant["code_challenge"]:
                    return self._json({"error": "invalid_grant", "error_description": "pkce"}, 400)
            claims = provider.claims(grant["email"])
            now = int(time.time())
            id_claims = {
                **claims,
                "iss": provider.issuer,
                "aud": provider.client_id,
                "iat": now,
                "exp": now + 600,
                **({"nonce": grant["nonce"]} if "nonce" in grant else {}),
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, id_claims, provider.key)
            access_token = secrets.token_urlsafe(24)
            provider.tokens[access_token] = claims
            self._json(
                {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "id_token": id_token,
                    "scope": grant.get("scope", "openid"),
                }
            )

        def _json(self, data: dict, status: int = 200) -> None:
            self._send(status, "application/json", json.dumps(data).encode())

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler
