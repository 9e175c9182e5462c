"""Taking the network away from a query worker.

pyoxigraph answers ``SERVICE`` by making HTTP requests itself. The server
refuses such queries before they reach a worker (:mod:`.query_shape`); as a
second wall, a worker that has no federation to do installs a seccomp filter
under which it cannot create an Internet socket (``socket(AF_INET|AF_INET6)``
fails with EACCES). The pipe to the server already exists and stays usable.
Linux on x86-64 and arm64 only; elsewhere :func:`forbid_network` says it
could not and the first wall stands alone.
"""
from __future__ import annotations

import ctypes
import platform
import struct

#: (AUDIT_ARCH_*, number of the socket syscall) per machine.
_ARCHES: dict[str, tuple[int, int]] = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}

_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_ALLOW, _ERRNO_EACCES = 0x7FFF0000, 0x00050000 | 13
_AF_INET, _AF_INET6 = 2, 10


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _filter(arch: int, socket_nr: int) -> bytes:
    def op(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    return b"".join([
        op(_LD_W_ABS, 0, 0, 4),           # the architecture
        op(_JEQ_K, 1, 0, arch),
        op(_RET_K, 0, 0, _ALLOW),         # another ABI: not ours to judge
        op(_LD_W_ABS, 0, 0, 0),           # the syscall number
        op(_JEQ_K, 0, 4, socket_nr),
        op(_LD_W_ABS, 0, 0, 16),          # socket's first argument: the family
        op(_JEQ_K, 1, 0, _AF_INET),
        op(_JEQ_K, 0, 1, _AF_INET6),
        op(_RET_K, 0, 0, _ERRNO_EACCES),
        op(_RET_K, 0, 0, _ALLOW),
    ])


def forbid_network() -> bool:
    """Forbid this process (and its threads and children) to open Internet
    sockets from now on. True when the filter is in place."""
    arch = _ARCHES.get(platform.machine())
    if arch is None or platform.system() != "Linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        code = _filter(*arch)
        buffer = ctypes.create_string_buffer(code)
        program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0
    except (OSError, AttributeError):
        return False
