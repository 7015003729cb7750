"""`python -m ui.cli ...` = `fagui ...`."""
from ui.cli.main import main

main()
