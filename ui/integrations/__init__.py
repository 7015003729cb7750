"""Protocol endpoints for other tools (集成): Dify external knowledge, MCP server, saved scopes."""
