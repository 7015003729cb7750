"""The `fagui` command line (命令行): one module per command group; `main` wires them together."""
