"""schemathesis hooks for scripts/reliability.py (loaded through SCHEMATHESIS_HOOKS).

The `ignored_auth` check removes the credentials from a request that succeeded and expects
401/403. The contract (shared/link-api.md §errors) answers a widget call without its
`x-vital-link-token` header with 400 `MISSING_LINK_TOKEN` instead (a wrong token is 401). This
counts exactly that answer as the refusal it is; any other status on a credential-less probe
(a 2xx above all) still fails the check.
"""
import schemathesis.specs.openapi.checks as _checks

_enforces_auth = _checks._enforces_auth


def _contract_enforces_auth(response, authenticated):
    if response.status_code == 400:
        try:
            body = response.json()
        except Exception:  # not JSON: not the contract's answer
            body = None
        detail = body.get("detail") if isinstance(body, dict) else None
        if isinstance(detail, dict) and detail.get("error_code") == "MISSING_LINK_TOKEN":
            return True
    return _enforces_auth(response, authenticated)


_checks._enforces_auth = _contract_enforces_auth
