"""How one print desk is set up: which build it serves, where it listens, who may use it."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

from ..build.pipeline import Paths

MIN_TOKEN = 8  # characters; a token is typed once per browser session, so it can be long


class SettingsError(ValueError):
    pass


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this computer only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, without its port: 'Desk.lan:8421' -> 'desk.lan', '[::1]:80' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass(frozen=True)
class DeskSettings:
    paths: Paths
    host: str = "127.0.0.1"
    port: int = 8421
    token: str | None = None              # when set, asked once per browser session
    allowed_hosts: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})
    audit_log: Path = Path("desk-audit.log")
    interval: float = 1.0                 # seconds between looks for changed inputs
    threads: int = 4                      # waitress worker threads

    @classmethod
    def make(cls, paths: Paths, host: str = "127.0.0.1", port: int = 8421, token: str | None = None,
             allowed_hosts: tuple[str, ...] = (), audit_log: Path | None = None, **more) -> "DeskSettings":
        """Settings with the Host allow-list filled in: loopback names, the --host address and,
        on a network address, this computer's names; plus `allowed_hosts`."""
        if token is not None and len(token) < MIN_TOKEN:
            raise SettingsError(f"the token must have at least {MIN_TOKEN} characters")
        if not is_loopback(host) and not token:
            raise SettingsError(f"refusing to serve on {host} without a token")
        names = {"127.0.0.1", "localhost", "::1", host_name(host) if ":" not in host else host.strip("[]").lower()}
        if not is_loopback(host):
            names.update(n.lower() for n in (socket.gethostname(), socket.getfqdn()) if n)
        names.update(host_name(n) for n in allowed_hosts)
        names -= {"0.0.0.0", "::", ""}
        return cls(paths=paths, host=host, port=port, token=token, allowed_hosts=frozenset(names),
                   audit_log=audit_log or paths.out / "desk-audit.log", **more)
