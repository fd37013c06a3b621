from django.db import connection
from django.http import JsonResponse


def health(request):
    """Liveness and database readiness for load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # any database error means "not ready"
        return JsonResponse({"status": "database unavailable"}, status=503, headers={"Retry-After": "5"})
