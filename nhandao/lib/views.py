"""What every app's pages share."""

from django.contrib import messages

from nhandao.lib.errors import NeedsConfirmation, Refused


def show_refused(request, exc: Refused, form=None) -> None:
    """Show a refusal where the user looks: with a form, on the field it names (above the
    form when it names none, or one the form lacks); without, as messages on the next page,
    one per reason. A refusal the user can lift by confirming is a warning, not an error."""
    for field, reasons in exc.as_errors().items():
        for reason in reasons:
            if form is not None:
                form.add_error(field if field in form.fields else None, reason)
            elif isinstance(exc, NeedsConfirmation):
                messages.warning(request, reason)
            else:
                messages.error(request, reason)
