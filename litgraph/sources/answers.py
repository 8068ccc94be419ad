"""The error every reader of a service's answer raises. Apart from the network code, so that the
parsers (and the command line that names their formats) load without the HTTP stack."""


class AnswerFormatError(ValueError):
    """An answer that came back whole but cannot be read as what was asked for."""
