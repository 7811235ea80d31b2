"""The ring and Ulysses process groups of context parallelism.

The seeds read these groups from a process-wide ``get_parallel_state()``;
seqpar takes them from a ``ParallelState`` passed explicitly as the
``parallel_state=`` keyword of the ``*_with_cp`` functions.
"""

from typing import Optional

import torch.distributed as dist

__all__ = ["ParallelState"]


class ParallelState:
    """Ring and Ulysses groups of one rank of a ring x Ulysses grid.

    A group left as ``None`` is disabled: ``is_*_enable()`` is False, its size
    is 1 and this rank's index in it is 0, as in the seeds. Hybrid context
    parallelism (both enabled) splits the sequence zigzag over the ring group,
    then evenly over the Ulysses group.

    Use ``ParallelState.from_grid(ring_size, ulysses_size)`` to make both
    groups over ``ranks`` (default: the whole world) arranged row-major as a
    ``[ring_size, ulysses_size]`` grid, i.e. rank ``i * ulysses_size + j`` has
    ring rank ``i`` and Ulysses rank ``j``.
    """

    def __init__(self, ring_group: Optional[dist.ProcessGroup] = None,
                 ulysses_group: Optional[dist.ProcessGroup] = None):
        self._ring = ring_group
        self._ulysses = ulysses_group

    @classmethod
    def from_grid(cls, ring_size: int, ulysses_size: int, ranks=None):
        """Makes the groups of a ``[ring_size, ulysses_size]`` grid.

        Collective: every process of the default group must call it with the
        same arguments (``torch.distributed.new_group`` is). A size of 1
        leaves that group disabled.
        """
        if ranks is None:
            ranks = list(range(dist.get_world_size()))
        ranks = list(ranks)
        if ring_size < 1 or ulysses_size < 1 or \
                ring_size * ulysses_size != len(ranks):
            raise ValueError(
                f"ParallelState.from_grid: ring_size {ring_size} x "
                f"ulysses_size {ulysses_size} must equal the number of "
                f"ranks {len(ranks)}")
        me = dist.get_rank()
        ring = ulysses = None
        if ring_size > 1:
            for j in range(ulysses_size):
                members = [ranks[i * ulysses_size + j]
                           for i in range(ring_size)]
                group = dist.new_group(members)
                if me in members:
                    ring = group
        if ulysses_size > 1:
            for i in range(ring_size):
                members = [ranks[i * ulysses_size + j]
                           for j in range(ulysses_size)]
                group = dist.new_group(members)
                if me in members:
                    ulysses = group
        return cls(ring, ulysses)

    def is_ring_enable(self) -> bool:
        return self._ring is not None

    def get_ring_group(self) -> Optional[dist.ProcessGroup]:
        return self._ring

    def get_ring_group_size(self) -> int:
        return dist.get_world_size(self._ring) if self._ring is not None else 1

    def get_ring_rank(self) -> int:
        return dist.get_rank(self._ring) if self._ring is not None else 0

    def is_ulysses_enable(self) -> bool:
        return self._ulysses is not None

    def get_ulysses_group(self) -> Optional[dist.ProcessGroup]:
        return self._ulysses

    def get_ulysses_group_size(self) -> int:
        return (dist.get_world_size(self._ulysses)
                if self._ulysses is not None else 1)

    def get_ulysses_rank(self) -> int:
        return dist.get_rank(self._ulysses) if self._ulysses is not None else 0

    def __repr__(self):
        return (f"ParallelState(ring={self.get_ring_group_size()}, "
                f"ulysses={self.get_ulysses_group_size()})")
