"""Errors of the proxy package; each dialect renders them in its own shape."""

from __future__ import annotations


class ProxyError(Exception):
    """Base class for errors raised by the proxy package."""

    status_code = 500


class BadRequest(ProxyError):
    """The client's request is malformed (bad JSON, missing field, wrong type)."""

    status_code = 400


class Unauthorized(ProxyError):
    """Missing or wrong bearer token."""

    status_code = 401


class UnsupportedMediaType(ProxyError):
    """The request body is in a content type this endpoint does not read."""

    status_code = 415


class ConfigError(ProxyError):
    """The configuration file or a setting is invalid."""


class UpstreamError(ProxyError):
    """The upstream microblog could not be reached or answered with an error."""

    status_code = 502
