"""``python -m numdiff verify [--quick] [--json PATH]``."""
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m numdiff verify [--quick] [--json PATH]\n\n"
              "commands:\n  verify   check numdiff against analytic derivatives and SciPy")
        return 0 if argv else 2
    if argv[0] != "verify":
        print(f"unknown command {argv[0]!r}; the command is 'verify'", file=sys.stderr)
        return 2
    from .verify import main as verify_main
    return verify_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
