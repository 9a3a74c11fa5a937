from django import template

register = template.Library()


@register.filter
def thousands(value: int | None) -> str:
    """93963 → "93 963" (French grouping with a narrow no-break space); None → ""."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", "\u202f")
