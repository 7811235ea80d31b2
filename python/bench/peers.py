"""The Ulysses all-to-alls of the libraries seqpar is measured against, each
as its users call it, on one torch.distributed process group.

Every peer maps a ``[b, s/P, H, D]`` tensor to ``[b, s, H/P, D]`` (scatter
dim 2, gather dim 1; the reverse swaps them) with autograd:

* yunchang: ``yunchang.comm.all_to_all.SeqAllToAll4D`` (USP's exchange);
  H divisible by P only.
* DeepSpeed: ``deepspeed.sequence.layer._SeqAllToAll``, the exchange its
  ``DistributedAttention`` runs (batch-first layout, ``batch_dim_idx=0``);
  H divisible by P here (its uneven-head path reads DeepSpeed's own
  sequence-parallel group registry, which a plain process group lacks).
* DTensor: ``DTensor.from_local(x, mesh, [Shard(1)]).redistribute(mesh,
  [Shard(2)]).to_local()``; uneven H in torch.chunk pieces, which equal the
  split rule when H % P is 0 or P - 1.

``supported(peer, heads, P)`` says which shapes a peer takes, so that the
test and the benchmark compare on exactly those.
"""

import torch.distributed as dist

PEERS = ("yunchang", "deepspeed", "dtensor")


def supported(peer, heads, p):
    if peer in ("yunchang", "deepspeed"):
        return heads % p == 0
    # DTensor's pieces are torch.chunk's: ceil(H / P) each, the last short.
    return heads % p in (0, p - 1)


class Peers:
    """The peers' exchanges on `group` (set up once per process)."""

    def __init__(self, group):
        self.group = group
        import importlib

        import deepspeed
        # (deepspeed.comm re-exports torch as `torch`: take the submodule.)
        ds_torch = importlib.import_module("deepspeed.comm.torch")
        # DeepSpeed's CPU accelerator JIT-compiles a shared-memory all-reduce
        # op in init_distributed (a minute or more, once); no all-to-all
        # uses it, so it is left out.
        ds_torch.build_shm_op = lambda: None
        deepspeed.init_distributed(dist_backend=dist.get_backend(group),
                                   verbose=False)
        from deepspeed.sequence.layer import _SeqAllToAll
        from torch.distributed.device_mesh import DeviceMesh
        from torch.distributed.tensor import DTensor, Shard
        from yunchang.comm.all_to_all import SeqAllToAll4D
        self._ds, self._yc = _SeqAllToAll, SeqAllToAll4D
        self._dtensor, self._shard = DTensor, Shard
        self.mesh = DeviceMesh("cpu", dist.get_process_group_ranks(group))

    def run(self, peer, x, scatter_dim=2, gather_dim=1):
        """`peer`'s all-to-all of x (dims 2 -> 1 or 1 -> 2)."""
        if peer == "yunchang":
            return self._yc.apply(self.group, x, scatter_dim, gather_dim)
        if peer == "deepspeed":
            return self._ds.apply(self.group, x, scatter_dim, gather_dim, 0)
        if peer == "dtensor":
            shard = self._shard
            # Even pieces of the gather dim on every rank (from_local's
            # default); the scatter dim may be uneven.
            return self._dtensor.from_local(
                x, self.mesh, [shard(gather_dim)], run_check=False
            ).redistribute(self.mesh, [shard(scatter_dim)]).to_local()
        raise ValueError(f"unknown peer {peer!r}")


def versions():
    """The versions of torch and of the peers' packages."""
    from importlib.metadata import version
    return {name: version(name) for name in ("torch", "yunchang",
                                             "deepspeed")}
