from django.shortcuts import render

from onboarding import links


@links.form_link_view(links.INSURANCE_FORM)
def insurance_form(request, provider):
    # The Insurance Form itself is built with credentialing (issue 3); the link already works.
    return render(request, "credentialing/insurance_form_placeholder.html", {"provider": provider})
