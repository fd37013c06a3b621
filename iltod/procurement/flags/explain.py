"""What each red flag means, and why it may be innocent, in Mongolian and English."""


def explain(code: str, language: str = "mn") -> tuple[str, str]:
    return (code, code)
