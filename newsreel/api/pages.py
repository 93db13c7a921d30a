"""The account's "API tokens" page: list, create (the secret shown once, on the answer to the POST), revoke."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from newsreel.api.forms import TokenForm
from newsreel.api.models import ApiToken
from newsreel.api.tokens import MAX_TOKENS_PER_USER, TokenRefused, token_create, token_revoke


@never_cache  # the answer to a creation holds the secret: no cache may keep it
@login_required
@reauthentication_required(allow_get=True)  # making a key to the account asks for the password again
@require_http_methods(["GET", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    form = TokenForm(request.POST or None, user=user)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = token_create(user=user, name=form.cleaned_data["name"],
                                           scopes=form.cleaned_data["scopes"])
        except TokenRefused:
            form.add_error(None, _("You have %(count)d tokens, the most an account may have: revoke one first.")
                           % {"count": MAX_TOKENS_PER_USER})
        else:
            form = TokenForm(user=user)
            messages.success(request, _("The token “%(name)s” is made.") % {"name": created.name})
    tokens = ApiToken.objects.active().filter(user=user)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "secret": secret})


@login_required
@reauthentication_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user=request.user)
    token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return HttpResponseRedirect(reverse("api_tokens:list"))
