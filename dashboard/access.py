"""Who may see the dashboard, checked on every run of every session before any page reads data.

`aftermath serve` says how in $AFTERMATH_ACCESS: open (loopback only), a login through Streamlit's
own `st.login` (an OpenID Connect provider), or an authenticating proxy whose header Streamlit
maps into `st.user.email`. Streamlit's login has no allow-list of its own, so the allowed
domains and addresses are checked here.
"""

import os

import streamlit as st

from aftermath.serve.config import ACCESS_ENV, Access


def current() -> Access:
    return Access.from_env(os.environ.get(ACCESS_ENV))


def admit() -> None:
    """Let the session through, or show only the way in (or the refusal) and stop the run."""
    access = current()
    if access.mode == "open":
        return
    if access.mode == "login" and not st.user.is_logged_in:
        st.title("Aftermath")
        st.write("Sign in with your company account to see what incidents cost the customers.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    email = st.user.get("email")
    if not email:
        st.title("Aftermath")
        st.error(
            "No signed-in user came with this request. This dashboard is served behind a "
            "sign-in proxy: open it through the proxy's address."
        )
        st.stop()
    # A provider may hand over an address it has not verified: that proves nothing.
    if not access.allows(email) or st.user.get("email_verified") is False:
        st.title("Aftermath")
        st.error(
            "This account may not see this dashboard. Ask whoever runs it to allow your "
            "address or domain, or sign in with another account."
        )
        st.text(f"Signed in as {email}")  # as text: an address is not Markdown
        _sign_out(access)
        st.stop()
    with st.sidebar:
        st.text(f"Signed in as {email}")
        _sign_out(access)


def _sign_out(access: Access) -> None:
    # Behind a proxy, signing out is the proxy's (its own sign-out address).
    if access.mode == "login" and st.button("Sign out"):
        st.logout()
