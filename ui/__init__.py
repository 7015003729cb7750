"""ui: the faces of fagui — command line now; Gradio app and HTTP server to come."""
