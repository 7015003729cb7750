"""The web app (网页界面): Gradio Blocks, what its buttons do, and the HTML pieces it shows."""
