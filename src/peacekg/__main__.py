"""`python -m peacekg` runs the command line."""
from .cli import main

main()
