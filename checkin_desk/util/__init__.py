"""Small shared helpers with no project dependencies: clock, text normalisation, config paths, log masking."""
