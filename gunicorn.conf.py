"""gunicorn's settings for the portal. gunicorn reads ./gunicorn.conf.py on its own; the Dockerfile
and docker-compose.yml name it with --config as well, so a missing file fails loudly.

The access log (`--access-logfile -`) prints every request line and Referer. Form links carry
their token in the path and allauth's set-password link its key, so each access and error
record goes through alma.logging.RedactSecrets first: the line keeps its shape, the secret
reads <token> or <uidb36>-<key>. Other options stay on the command line.
"""

from gunicorn.glogging import Logger

from alma.logging import RedactSecrets


class RedactingLogger(Logger):
    """gunicorn's own logger with the redaction filter on its access and error loggers.

    A logger's filter (not a handler's) holds for whatever handlers are set up: the access
    file, syslog, or a logconfig_dict. setup() runs again on a configuration reload (SIGHUP)
    and drops only handlers, so the filter is added once.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())


logger_class = RedactingLogger
