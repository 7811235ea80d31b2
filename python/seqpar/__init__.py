"""seqpar: resharding for sequence and context parallelism.

``seqpar.torch`` holds drop-in replacements for the context-parallel helpers
of MindSpeed-MM-style trainers and the Ulysses all-to-alls of VILA/USP
(``all_to_all``, ``split_forward_gather_backward``, ``all_to_all_4D``, ...),
executed by the seqpar runtime on a ``torch.distributed`` process group.
"""

__all__ = ["torch"]
