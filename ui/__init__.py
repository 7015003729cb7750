"""ui: the faces of fagui, the top of the chain — the `fagui` command line (cli/), the HTTP
service with its guard and workers (service/), the Gradio web app (web/) and the protocol
endpoints other tools call: Dify, MCP (integrations/). Nothing imports ui."""
