"""Topic records, their codec, and a JSON Schema per topic (schemas/json/)."""
