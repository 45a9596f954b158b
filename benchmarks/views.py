"""The two baselines of the pages benchmark, served only by benchmarks.settings.

- bare: the whole middleware stack and `request.user` (session + user lookup), then a few bytes;
  the floor of any signed-in request.
- floor: the portal's base template rendered for the signed-in provider, with no domain
  queries of its own; what any provider page costs before it does its own work.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render


def bare(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


@login_required
def floor(request):
    return render(request, "benchmarks/floor.html")
