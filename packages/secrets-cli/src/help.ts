/**
 * The `--help` texts.
 *
 * @module
 */

/** The help of the whole program. */
export const MAIN_HELP = `llorch-secrets: create, check and use secret files for Node.js services

Usage:
  llorch-secrets gen <path> [--hex-key] [--force]
  llorch-secrets check <path>... [--root <dir>] [--allow-group-read] [--hex-key]
  llorch-secrets fingerprint <path> --domain <d> [--hex-key] [--root <dir>]
  llorch-secrets verify <path> [--root <dir>] < candidate
  llorch-secrets creds list [--directory <dir>]

Options for every command:
  --json        machine-readable output on standard output
  -h, --help    help for the command
  -V, --version the version of llorch-secrets

Exit status: 0 success, 1 a check or operation failed, 2 the command line was wrong.
Run "llorch-secrets <command> --help" for the details of a command.
`;

/** The help of each command, by name. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  gen: `llorch-secrets gen <path> [--hex-key] [--force] [--json]

Writes a new random secret to <path> with mode 0600: a 256-bit token (43 base64url
characters) or, with --hex-key, a 256-bit key as 64 hex digits. The file is written to a
temporary file in the same directory (O_EXCL, mode 0600), flushed to disk, then moved into
place, so a reader never sees half a secret. The secret is never printed.

  --hex-key   write a hex key (for SecretKey.loadFromFile) instead of a token
  --force     replace <path> if it exists (refused otherwise)
`,
  check: `llorch-secrets check <path>... [--root <dir>] [--allow-group-read] [--hex-key] [--json]

Runs the checks the loader runs on each file and prints one line per check, with the fix for
each failure: the path resolves, no parent directory is writable by others, the file is inside
--root, is a regular file, is owned by you or root, has no permission bits for group or others
(0600 recommended), is within the size limit, and loads. Exit status 1 if any check failed.

  --root <dir>         require the file to lie inside <dir> (LoadOptions.root)
  --allow-group-read   tolerate mode 0440/0640 (Kubernetes fsGroup, Vault Agent sinks)
  --hex-key            check the file as a 64-hex-digit key instead of a token
`,
  fingerprint: `llorch-secrets fingerprint <path> --domain <d> [--hex-key] [--root <dir>] [--json]

Derives the key for <d> from the secret in <path> (HKDF-SHA256, as SecretKey.deriveFromToken
does) and prints the first 8 bytes of the SHA-256 of that key, in hex. Two hosts that print
the same fingerprint hold the same secret; the key itself is never printed.

  --domain <d>         the domain separation string, such as llorch-seal-key-v1 (required)
  --hex-key            the file holds a 64-hex-digit key instead of a token
  --root <dir>         require the file to lie inside <dir>
  --allow-group-read   tolerate mode 0440/0640
`,
  verify: `llorch-secrets verify <path> [--root <dir>] [--allow-group-read] [--json] < candidate

Reads a candidate token from standard input, never from the command line (which ps shows),
and compares it in constant time with the token in <path>. Surrounding whitespace of the
candidate is ignored, as it is for the file. Exit status 0 on a match, 1 otherwise.

  --root <dir>         require the file to lie inside <dir>
  --allow-group-read   tolerate mode 0440/0640
`,
  creds: `llorch-secrets creds list [--directory <dir>] [--json]

Lists the names of the systemd credentials in $CREDENTIALS_DIRECTORY (set by systemd for a
service with LoadCredential=), or in <dir>. Never prints their contents.

  --directory <dir>   the credentials directory to list instead of $CREDENTIALS_DIRECTORY
`,
};
