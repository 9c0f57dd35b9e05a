"""Optional LDAP / Active Directory login (django-auth-ldap), configured from the environment.

Enabled when ``MAMORI_LDAP_SERVER_URI`` is set; install with ``pip install 'mamori[ldap]'``.
Accounts are matched by ``sAMAccountName`` (AD) or the attribute named in ``MAMORI_LDAP_USER_ATTR``;
Mamori's own role assignments still decide what a user may do, LDAP only proves who they are.
"""

from __future__ import annotations

from mamori.config.env import ConfigurationError, env_bool, env_str


def ldap_settings() -> dict[str, object]:
    """Return the django-auth-ldap settings for the configured directory."""
    try:
        import ldap
        from django_auth_ldap.config import LDAPSearch
    except ImportError as exc:  # the optional extra is missing: fail loudly, never fall back silently
        raise ConfigurationError(
            "MAMORI_LDAP_SERVER_URI is set but django-auth-ldap is not installed (pip install 'mamori[ldap]')"
        ) from exc
    base_dn = env_str("MAMORI_LDAP_USER_BASE", "")
    if not base_dn:
        raise ConfigurationError("MAMORI_LDAP_USER_BASE must name the directory subtree that holds users")
    attribute = env_str("MAMORI_LDAP_USER_ATTR", "sAMAccountName")
    options: dict[object, object] = {ldap.OPT_REFERRALS: 0}
    if env_bool("MAMORI_LDAP_TLS_INSECURE", False):
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_NEVER
    return {
        "AUTH_LDAP_SERVER_URI": env_str("MAMORI_LDAP_SERVER_URI", ""),
        "AUTH_LDAP_BIND_DN": env_str("MAMORI_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env_str("MAMORI_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env_bool("MAMORI_LDAP_START_TLS", False),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(base_dn, ldap.SCOPE_SUBTREE, f"({attribute}=%(user)s)"),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
    }
