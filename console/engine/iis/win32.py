"""Words for the sc-win32-status values IIS logs: Win32 errors, SSPI/certificate HRESULTs and WinHTTP (ARR) errors.

Names and numbers are winerror.h's (SSPI values checked against the SEC_E_* definitions); the texts are
Windows' system messages, shortened; the plain words are Baton's, from domain §4.3/§4.6 and Microsoft's
"Troubleshooting 502 errors in ARR" (https://learn.microsoft.com/troubleshoot/developer/webapps/iis/
application-request-routing/troubleshooting-502-errors-in-arr) and "HTTP Error 500.19" (KB 942055, the 500.19
HRESULTs, .../iis/health-diagnostic-performance/http-error-500-19-webpage). IIS logs the value as an unsigned decimal,
so an HRESULT such as 0x8009030E appears as 2148074254.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WIN32", "Win32Meaning", "win32_meaning"]

_GONE = "The client (or the proxy in front of IIS) went away before IIS finished; not a fault of the server."
_NTLM_LB = (
    "The NTLM legs of one handshake reached different connections or servers (a load balancer or API Gateway "
    "without connection affinity)."
)

# value → (symbolic name, Windows' message, plain words for the on-call engineer)
WIN32: dict[int, tuple[str, str, str]] = {
    0: ("ERROR_SUCCESS", "The operation completed successfully", "No Windows error."),
    2: ("ERROR_FILE_NOT_FOUND", "The system cannot find the file specified", "A file IIS looked for does not exist."),
    3: ("ERROR_PATH_NOT_FOUND", "The system cannot find the path specified", "A folder IIS looked for does not exist."),
    5: (
        "ERROR_ACCESS_DENIED",
        "Access is denied",
        "Windows refused access (with 401.2: no credentials IIS accepts yet; with 401.3: NTFS permissions).",
    ),
    13: (
        "ERROR_INVALID_DATA",
        "The data is invalid",
        "With 500.19: the configuration has a malformed XML element, or one for a module that is not installed.",
    ),
    33: (
        "ERROR_LOCK_VIOLATION",
        "The process cannot access the file because another process has locked a portion of the file",
        "With 500.19: the configuration section is locked at a parent level.",
    ),
    50: ("ERROR_NOT_SUPPORTED", "The request is not supported", "Windows does not support the requested operation."),
    64: ("ERROR_NETNAME_DELETED", "The specified network name is no longer available", _GONE),
    121: (
        "ERROR_SEM_TIMEOUT",
        "The semaphore timeout period has expired",
        "A network send or receive timed out: a slow or vanished client or network path.",
    ),
    126: (
        "ERROR_MOD_NOT_FOUND",
        "The specified module could not be found",
        "With 500.19: the configuration references a module or DLL that is invalid or missing.",
    ),
    183: (
        "ERROR_ALREADY_EXISTS",
        "Cannot create a file when that file already exists",
        "With 500.19: a duplicate entry for this setting exists at a higher configuration level.",
    ),
    193: (
        "ERROR_BAD_EXE_FORMAT",
        "The module is not a valid Win32 application",
        "With 500.19: a module's bitness (32/64-bit) differs from the application pool's, or it is corrupt.",
    ),
    267: ("ERROR_DIRECTORY", "The directory name is invalid", "With 500.19: the content directory cannot be accessed."),
    995: (
        "ERROR_OPERATION_ABORTED",
        "The I/O operation has been aborted because of either a thread exit or an application request",
        "The I/O was cancelled, typically because the client disconnected or the worker process was recycling.",
    ),
    1229: (
        "ERROR_CONNECTION_INVALID",
        "An operation was attempted on a nonexistent network connection",
        "IIS wrote to a connection that no longer existed (the client or proxy had already closed it).",
    ),
    1236: ("ERROR_CONNECTION_ABORTED", "The network connection was aborted by the local system", _GONE),
    1326: (
        "ERROR_LOGON_FAILURE",
        "The user name or password is incorrect",
        "Bad user name or password (Basic authentication).",
    ),
    1330: ("ERROR_PASSWORD_EXPIRED", "The specified account password has expired", "The account's password expired."),
    1331: ("ERROR_ACCOUNT_DISABLED", "The account is currently disabled", "The account is disabled."),
    1385: (
        "ERROR_LOGON_TYPE_NOT_GRANTED",
        "The user has not been granted the requested logon type at this computer",
        "The account lacks the logon right IIS uses (for example 'Log on locally' for Basic).",
    ),
    1909: ("ERROR_ACCOUNT_LOCKED_OUT", "The referenced account is currently locked out", "The account is locked out."),
    10053: ("WSAECONNABORTED", "An established connection was aborted by the software in your host machine", _GONE),
    10054: (
        "WSAECONNRESET",
        "An existing connection was forcibly closed by the remote host",
        "The peer reset the connection.",
    ),
    10060: (
        "WSAETIMEDOUT",
        "A connection attempt failed because the connected party did not respond",
        "A TCP timeout.",
    ),
    10061: (
        "WSAECONNREFUSED",
        "No connection could be made because the target machine actively refused it",
        "Refused.",
    ),
    12002: ("ERROR_WINHTTP_TIMEOUT", "The operation timed out", "ARR timed out waiting for the server behind it."),
    12007: (
        "ERROR_WINHTTP_NAME_NOT_RESOLVED",
        "The server name could not be resolved",
        "ARR could not resolve a name.",
    ),
    12029: (
        "ERROR_WINHTTP_CANNOT_CONNECT",
        "A connection with the server could not be established",
        "ARR cannot connect.",
    ),
    12030: (
        "ERROR_WINHTTP_CONNECTION_ERROR",
        "The connection with the server was terminated abnormally",
        "The server behind ARR closed the connection mid-response.",
    ),
    12152: (
        "ERROR_WINHTTP_INVALID_SERVER_RESPONSE",
        "The server response could not be parsed",
        "The server behind ARR sent an invalid or cut-off response.",
    ),
    12175: ("ERROR_WINHTTP_SECURE_FAILURE", "A security error occurred", "ARR's TLS connection to the server failed."),
    0x80090302: ("SEC_E_UNSUPPORTED_FUNCTION", "The function requested is not supported", "SSPI: not supported."),
    0x80090308: ("SEC_E_INVALID_TOKEN", "The token supplied to the function is invalid", _NTLM_LB),
    0x8009030C: (
        "SEC_E_LOGON_DENIED",
        "The logon attempt failed",
        "Windows authentication (Kerberos/NTLM) refused the caller's credentials.",
    ),
    0x8009030D: (
        "SEC_E_UNKNOWN_CREDENTIALS",
        "The credentials supplied to the package were not recognized",
        "The credentials were not recognised.",
    ),
    0x8009030E: (
        "SEC_E_NO_CREDENTIALS",
        "No credentials are available in the security package",
        "The handshake is not finished: IIS sent its NTLM/Negotiate challenge and waits for the client's answer.",
    ),
    0x80090311: (
        "SEC_E_NO_AUTHENTICATING_AUTHORITY",
        "No authority could be contacted for authentication",
        "IIS could not reach a domain controller to check the credentials.",
    ),
    0x80090317: (
        "SEC_E_CONTEXT_EXPIRED",
        "The context has expired and can no longer be used",
        "The auth context expired.",
    ),
    0x80090322: (
        "SEC_E_WRONG_PRINCIPAL",
        "The target principal name is incorrect",
        "Kerberos: the ticket was for another service name (SPN) than this server's.",
    ),
    0x80090324: (
        "SEC_E_TIME_SKEW",
        "The clocks on the client and server machines are skewed",
        "Kerberos: client and server clocks differ too much.",
    ),
    0x800B0101: (
        "CERT_E_EXPIRED",
        "A required certificate is not within its validity period",
        "A certificate expired.",
    ),
    0x800B0109: (
        "CERT_E_UNTRUSTEDROOT",
        "A certificate chain terminated in a root certificate which is not trusted",
        "The client certificate's root CA is not trusted by this server.",
    ),
    0x80092010: ("CRYPT_E_REVOKED", "The certificate is revoked", "The client certificate is revoked."),
    0x80092013: (
        "CRYPT_E_REVOCATION_OFFLINE",
        "The revocation server was offline",
        "Revocation could not be checked: the CRL/OCSP server was unreachable.",
    ),
}

_HRESULT_WIN32 = 0x8007  # HRESULT_FROM_WIN32: 0x8007xxxx wraps Win32 error xxxx (0x80070005 → 5)


@dataclass(frozen=True, slots=True)
class Win32Meaning:
    """One sc-win32-status value in words."""

    value: int
    hex: str
    name: str | None
    text: str
    plain: str
    known: bool

    @property
    def words(self) -> str:
        """``2148074254 (0x8009030E) SEC_E_NO_CREDENTIALS: No credentials … — plain words``."""
        head = f"{self.value} ({self.hex})"
        if self.name is None:
            return f"{head}: {self.text}"
        return f"{head} {self.name}: {self.text} — {self.plain}"


def _hex(value: int) -> str:
    return f"0x{value:08X}" if 0 <= value <= 0xFFFFFFFF else (f"0x{value:X}" if value > 0 else "-")


def win32_meaning(value: int) -> Win32Meaning:
    """The words for one win32 status; an unknown or out-of-range value gets a truthful 'no meaning known'."""
    # A signed reading of a 32-bit HRESULT (-2146893042) is the same code as IIS's unsigned 2148074254.
    code = value + (1 << 32) if -(1 << 31) <= value < 0 else value
    if code < 0:
        return Win32Meaning(value, "-", None, "negative, not a Windows error code", "", False)
    if code in WIN32:
        name, text, plain = WIN32[code]
        return Win32Meaning(value, _hex(code), name, text, plain, True)
    if code >> 16 == _HRESULT_WIN32 and (code & 0xFFFF) in WIN32:
        name, text, plain = WIN32[code & 0xFFFF]
        return Win32Meaning(
            value, _hex(code), name, f"HRESULT wrapping Win32 error {code & 0xFFFF}: {text}", plain, True
        )
    return Win32Meaning(value, _hex(code), None, "no meaning known for this win32 status", "", False)
