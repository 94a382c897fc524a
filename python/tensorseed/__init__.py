"""TensorSeed from Python: reproducible weight initialization, the same bits as the ``tensorseed`` CLI.

    import tensorseed
    tensorseed.fill_(array_or_tensor, name="fc.weight", scheme={"name": "normal", "std": 0.02}, seed=0)

``tensorseed.torch`` records any ``nn.Module``'s own init (``spec``) and fills it in place (``init_``);
``tensorseed.hf`` does the same for transformers architectures and writes ``save_pretrained`` folders.
torch and transformers are optional: only those modules need them.
"""
from ._fill import fill_, storage_type
from ._native import TensorSeedError, library_path, recipe
from ._spec import spec_text

__all__ = ["fill_", "storage_type", "recipe", "library_path", "TensorSeedError", "spec_text"]
__version__ = "0.1.0"
