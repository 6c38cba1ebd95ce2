"""No secret in the repository: Fernet keys, passwords, tokens, private keys.

Scans every file git would commit (tracked, plus untracked files that are not
ignored, so a secret is caught before it is added). `.env.example` may hold
placeholders only; the real `.env` must be ignored; the compose stack takes
every secret from the environment with no default value.

The patterns that would match real secrets are assembled at run time, so this
file does not trip its own scan.
"""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# --- what a secret looks like -------------------------------------------------

_BEGIN = "-----" + "BEGIN"
PRIVATE_KEY = re.compile(_BEGIN + r" (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY" + "-----")
TOKEN_PATTERNS = {
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "JSON Web Token": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "PyPI token": re.compile(r"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
}
# A Fernet key is 32 random bytes, urlsafe-base64: 43 characters and one "=".
FERNET_CANDIDATE = re.compile(r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-]{43}=(?![A-Za-z0-9_\-=])")
# `<NAME> = value` / `<NAME>: value` where NAME says password, secret, token or key.
SECRET_NAME = r"[A-Za-z0-9_.\-]*(?:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|fernet[_-]?key|private[_-]?key|auth[_-]?key)[A-Za-z0-9_]*"
ASSIGNMENT = re.compile(
    r"(?i)(?P<name>\b" + SECRET_NAME + r")\s*(?:=|:)\s*(?P<quote>[\"']?)(?P<value>[^\s\"'#,;}\]]*)(?P=quote)"
)
# Passwords inside connection URLs: scheme://user:password@host
URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s:/@\"'<>]+:(?P<value>[^\s@/\"'<>]+)@[^\s\"'<>]+")

# Names that mention a secret but hold no secret value.
NOT_A_SECRET_NAME = re.compile(r"(?i)(?:_file|_cmd|_path|_dir|_env|_name|_length|_len|_url_env|_backend|_kwargs|_required|_header|_type|s_file)$")
# Values that are references, placeholders or obviously not credentials.
PLACEHOLDER = re.compile(
    r"(?ix)^(?:"
    r"|\$\{.*|\$[A-Za-z_][A-Za-z0-9_]*|%\([a-z_]+\)s|\{\{.*|<.*|\{[^}]*\}?"
    r"|.*(?:change|example|placeholder|replace|your[_-]|generate|dummy|redacted|sample|xxx|\*\*\*|todo|fixme).*"
    r"|none|null|nil|true|false|yes|no|required|optional|str|string|bytes|int|env|secret|password|token"
    r")$"
)
# In Python, only string literals are values; `password = passwords[user]` is code.
PY_LITERAL_ASSIGNMENT = re.compile(
    r"(?i)(?P<name>\b" + SECRET_NAME + r")\s*(?:=|:)\s*(?P<quote>[\"'])(?P<value>[^\"'\n]*)(?P=quote)"
)
# Throwaway credentials of the local test services (CI's own Postgres/Redis):
# allowed in tests only, never in the shipped configuration.
TEST_ONLY_VALUES = {"airflow", "postgres", "admin", "test", "tests", "ci", "redis", "guest", "portal", "pytest"}


def repo_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout
    files = []
    for name in sorted({n for n in out.decode("utf-8", "surrogateescape").split("\0") if n}):
        path = ROOT / name
        if path.is_file() and not path.is_symlink():
            files.append(path)
    return files


def read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary
    return data.decode("utf-8", "replace")


def is_fernet_key(candidate: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(candidate)) == 32
    except ValueError:
        return False


def _low_entropy(value: str) -> bool:
    return len(set(value)) <= 3


def findings_in(rel: str, text: str) -> list[str]:
    """Every secret-looking thing in one file, as 'path:line: what'."""
    found: list[str] = []
    is_test = rel.startswith("tests/") or "/tests/" in rel
    is_python = rel.endswith(".py")
    is_env_example = Path(rel).name in {".env.example", ".env.sample", ".env.template"}
    if rel == "uv.lock":  # package hashes and URLs only; checked for keys/tokens below
        lines = text.splitlines()
        assignment_checks = False
    else:
        lines = text.splitlines()
        assignment_checks = True
    for no, line in enumerate(lines, 1):
        where = f"{rel}:{no}"
        if PRIVATE_KEY.search(line):
            found.append(f"{where}: private key")
        for what, pattern in TOKEN_PATTERNS.items():
            if pattern.search(line):
                found.append(f"{where}: {what}")
        for m in FERNET_CANDIDATE.finditer(line):
            if is_fernet_key(m.group(0)):
                found.append(f"{where}: Fernet key")
        if not assignment_checks:
            continue
        for m in URL_CREDENTIALS.finditer(line):
            value = m.group("value")
            if PLACEHOLDER.match(value) or (is_test and value.lower() in TEST_ONLY_VALUES):
                continue
            found.append(f"{where}: password in a URL ({value[:3]}...)")
        pattern = PY_LITERAL_ASSIGNMENT if is_python else ASSIGNMENT
        for m in pattern.finditer(line):
            name, value = m.group("name"), m.group("value").strip()
            if NOT_A_SECRET_NAME.search(name) or PLACEHOLDER.match(value) or _low_entropy(value):
                continue
            if is_test and value.lower() in TEST_ONLY_VALUES:
                continue
            if is_python and (" " in value or value.startswith(("/", "http", "."))):
                continue  # a message, a path or a URL, not a credential
            if is_env_example:
                found.append(f"{where}: .env.example must hold placeholders only, not a value for {name}")
            else:
                found.append(f"{where}: literal value for {name} ({value[:3]}...)")
    return found


# --- the scan -----------------------------------------------------------------


def test_no_secret_in_repository():
    findings: list[str] = []
    for path in repo_files():
        rel = path.relative_to(ROOT).as_posix()
        text = read_text(path)
        if text is None:
            continue
        findings += findings_in(rel, text)
    assert not findings, "secrets in the repository:\n" + "\n".join(findings)


def test_dotenv_is_not_committed():
    files = {p.relative_to(ROOT).as_posix() for p in repo_files()}
    assert ".env" not in files, ".env holds real secrets and must stay git-ignored"
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT).returncode == 0
    assert ignored, ".env is not in .gitignore"


SECRET_ENV = re.compile(r"(?i)(passw|secret|fernet|token|_key\b)")


def _compose_files() -> list[Path]:
    return [p for p in (ROOT / "docker-compose.yaml", ROOT / "docker-compose.yml", ROOT / "compose.yaml") if p.exists()]


def test_compose_has_no_default_passwords():
    """Every secret of the compose stack comes from `.env`, with no fallback value:
    `${POSTGRES_PASSWORD}` or `${POSTGRES_PASSWORD:?...}`, never `${...:-airflow}`
    or a literal."""
    files = _compose_files()
    if not files:
        pytest.skip("no docker-compose file yet")
    problems = []
    for path in files:
        for no, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for m in re.finditer(r"\$\{(?P<var>[A-Za-z0-9_]+):?-(?P<default>[^}]*)\}", line):
                if SECRET_ENV.search(m.group("var")) and m.group("default").strip():
                    problems.append(f"{path.name}:{no}: {m.group('var')} has a default value")
            m = re.match(r"\s*-?\s*(?P<name>[A-Za-z0-9_]+)\s*[:=]\s*(?P<value>.*)$", line)
            if m and SECRET_ENV.search(m.group("name")) and not NOT_A_SECRET_NAME.search(m.group("name")):
                value = m.group("value").strip().strip("'\"")
                if value and not value.startswith("$") and value not in {"|", ">"}:
                    problems.append(f"{path.name}:{no}: {m.group('name')} is set to a literal")
            for m in URL_CREDENTIALS.finditer(line):
                if not m.group("value").startswith("$"):
                    problems.append(f"{path.name}:{no}: password written into a URL")
    assert not problems, "\n".join(problems)


def test_env_example_holds_placeholders_only():
    path = ROOT / ".env.example"
    if not path.exists():
        pytest.skip("no .env.example yet")
    problems = []
    for no, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = (s.strip() for s in line.split("=", 1))
        value = value.strip("'\"")
        if not SECRET_ENV.search(name) or NOT_A_SECRET_NAME.search(name):
            continue
        if value and not PLACEHOLDER.match(value):
            problems.append(f".env.example:{no}: {name} has a real-looking value")
        if is_fernet_key(value):
            problems.append(f".env.example:{no}: {name} is a usable Fernet key")
    assert not problems, "\n".join(problems)


# --- the scanner itself catches what it should --------------------------------


def _fake_fernet() -> str:
    return base64.urlsafe_b64encode(bytes(range(32))).decode()


@pytest.mark.parametrize(
    "rel, text",
    [
        ("config/airflow.cfg", "fernet_key = " + _fake_fernet()),
        ("docker-compose.yaml", "  AIRFLOW__CORE__FERNET_KEY: " + _fake_fernet()),
        ("deploy/key.pem", _BEGIN + " RSA PRIVATE KEY" + "-----"),
        ("settings.py", 'DB_PASSWORD = "' + "hunter" + '2xyz"'),
        ("settings.py", 'api_token="' + "q8Zr" + 'T1mN0pL"'),
        (".env.example", "POSTGRES_PASSWORD=" + "s3cr" + "etvalue"),
        ("README.md", "postgresql://airflow:" + "Zx81" + "qq@db/airflow"),
        ("ci.yml", "token: gh" + "p_" + "a" * 36),
        ("tests/test_x.py", 'password = "' + "Real" + 'Pass123"'),
    ],
)
def test_scanner_catches(rel, text):
    assert findings_in(rel, text), f"scanner missed: {text}"


@pytest.mark.parametrize(
    "rel, text",
    [
        (".env.example", "AIRFLOW__CORE__FERNET_KEY="),
        (".env.example", "POSTGRES_PASSWORD=change-me"),
        (".env.example", "_AIRFLOW_WWW_USER_PASSWORD=<generate: openssl rand -hex 16>"),
        ("docker-compose.yaml", "  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}"),
        ("docker-compose.yaml", "  SQL_ALCHEMY_CONN: postgresql+psycopg2://airflow:${POSTGRES_PASSWORD}@postgres/airflow"),
        ("portal_ingest/devstack.py", "passwords = {USER: secrets.token_urlsafe(12)}"),
        ("portal_ingest/devstack.py", '"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file),'),
        ("tests/production/test_stack.py", "postgresql://postgres:postgres@127.0.0.1/x"),
        ("uv.lock", 'hash = "sha256:' + "ab" * 32 + '"'),
    ],
)
def test_scanner_allows(rel, text):
    assert not findings_in(rel, text)
