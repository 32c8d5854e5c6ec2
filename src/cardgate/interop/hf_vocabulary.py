"""The Hugging Face Hub's own vocabularies that a card's metadata must use, as the Hub
publishes them (copied, not recalled; update them from these sources):

* `HUB_LICENCES`: the licence identifiers a card's ``license:`` takes, from the table of
  huggingface/hub-docs ``docs/hub/repositories-licenses.md`` (commit 008d54d08fd9). Any
  other licence is ``license: other`` with ``license_name`` (and ``license_link``).
* `PIPELINE_TAGS`: the tasks a card's ``pipeline_tag:`` takes, the keys of
  ``PIPELINE_DATA`` in huggingface/huggingface.js ``packages/tasks/src/pipelines.ts``
  (commit 0057f4042b57).
"""

from __future__ import annotations

HUB_LICENCES = frozenset(
    {
        "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0", "bigcode-openrail-m", "afl-3.0", "artistic-2.0",
        "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "c-uda", "cc",
        "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0",
        "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0", "cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0",
        "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0", "etalab-2.0", "eupl-1.1", "agpl-3.0", "gfdl",
        "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc", "lppl-1.3c",
        "ms-pl", "mpl-2.0", "odc-by", "odbl", "openrail++", "osl-3.0", "postgresql", "ofl-1.1",
        "ncsa", "unlicense", "zlib", "pddl", "lgpl-lr", "deepfloyd-if-license", "llama2",
        "gemma", "unknown", "other",
    }
)  # fmt: skip

PIPELINE_TAGS = frozenset(
    {
        "biology", "text-classification", "token-classification", "table-question-answering",
        "question-answering", "zero-shot-classification", "translation", "summarization",
        "feature-extraction", "text-generation", "text2text-generation", "fill-mask",
        "sentence-similarity", "text-to-speech", "text-to-audio",
        "automatic-speech-recognition", "audio-to-audio", "audio-classification",
        "audio-text-to-text", "voice-activity-detection", "depth-estimation",
        "image-classification", "object-detection", "image-segmentation", "text-to-image",
        "image-to-text", "image-to-image", "image-to-video", "unconditional-image-generation",
        "video-classification", "reinforcement-learning", "robotics", "tabular-classification",
        "tabular-regression", "tabular-to-text", "table-to-text", "multiple-choice",
        "text-ranking", "text-retrieval", "time-series-forecasting", "text-to-video",
        "image-text-to-text", "visual-question-answering", "document-question-answering",
        "zero-shot-image-classification", "graph-ml", "mask-generation",
        "zero-shot-object-detection", "text-to-3d", "image-to-3d", "image-feature-extraction",
        "video-text-to-text", "keypoint-detection", "visual-document-retrieval", "any-to-any",
        "other",
    }
)  # fmt: skip
