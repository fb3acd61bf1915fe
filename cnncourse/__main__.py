"""``python -m cnncourse data``: prepare Fashion-MNIST and say where it is."""
import argparse
import sys

from .data import DataUnavailable, data_root


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnncourse")
    parser.add_argument("command", choices=["data"])
    parser.parse_args(argv)
    try:
        print(f"Fashion-MNIST ready in {data_root()}")
    except DataUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
