"""Security headers on every response; pages never cached (they carry patient data)."""

from django.utils.cache import add_never_cache_headers

# Scripts only from the console's own static files (the worklist's polling), never inline.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
        return response
