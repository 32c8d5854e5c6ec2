"""Evidence about GenAI and RAG systems: retrieval evaluated from a labelled query set and
the system's ranked results (`retrieval_*`), and the pinned prompt templates checked by
`cardgate validate` (`prompts`). The modules the gate and validate read (`prompts`,
`retrieval_inputs`, `retrieval_artifact`) import neither numpy nor pandas."""
