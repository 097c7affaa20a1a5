package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PartitionGroupsTest {
    @Test
    void noMoreGroupsThanSlotsAndNoGroupingBelowThem() {
        assertEquals(0, PartitionGroups.shiftFor(2, 2), "as many partitions as slots: a task each");
        assertEquals(0, PartitionGroups.shiftFor(1, 8));
        assertEquals(6, PartitionGroups.shiftFor(128, 2), "128 partitions on 2 slots: 2 runs of 64");
        assertEquals(5, PartitionGroups.shiftFor(512, 16));
        assertEquals(7, PartitionGroups.shiftFor(200, 2), "200 on 2 slots: runs of 128 and 72");
        assertEquals(2, PartitionGroups.groups(200, 7));
        assertEquals(2, PartitionGroups.shiftFor(5, 2), "5 on 2: runs of 4 and 1");
        assertEquals(3, PartitionGroups.shiftFor(8, 0), "no slots counts as one");
    }

    @Test
    void localMasterUrlsGiveTheirCores() {
        assertEquals(2, TaskSlots.localCores("local[2]"));
        assertEquals(4, TaskSlots.localCores("local[4, 3]"));
        assertEquals(1, TaskSlots.localCores("local"));
        assertEquals(Runtime.getRuntime().availableProcessors(), TaskSlots.localCores("local[*]"));
    }
}
