package org.sparkmlp.api;

/**
 * Where and how often a run saves its whole state, and whether it continues from what is saved there.
 * Immutable; start from {@link #at} and change it with the {@code with…} methods.
 *
 * <p>A checkpoint holds the weights, the optimiser's slots, the position in the epoch and the settings, and is
 * written to a temporary name and renamed into place: a run killed at any moment leaves the previous checkpoint
 * whole. A resumed run gives the same model, bit for bit, as the run would have given uninterrupted, and is
 * refused when its settings or data differ from the checkpoint's.
 *
 * @param location a directory on any Hadoop file system
 * @param everySteps save after every step divisible by this, besides every epoch's end; 0: at epochs' ends only
 * @param keep how many of the newest to keep (the newest is deleted only after its successor is written)
 * @param save whether this run writes checkpoints (false: only read them, to resume)
 * @param resume continue from the newest complete checkpoint in {@code location} when there is one; without
 *               it, a run clears the location's checkpoints before writing its own
 */
public record Checkpointing(String location, long everySteps, int keep, boolean save, boolean resume) {
    public Checkpointing {
        if (location == null || location.isBlank()) {
            throw new SettingException("checkpoint-dir", "must name a directory");
        }
        if (everySteps < 0) {
            throw new SettingException("checkpoint-every", "must be 0 (epochs' ends only) or more steps, got "
                    + everySteps);
        }
        if (keep < 1) {
            throw new SettingException("keep-checkpoints", "must be at least 1, got " + keep);
        }
    }

    /** Checkpoints at every epoch's end in {@code location}, the newest two kept, no resume. */
    public static Checkpointing at(String location) {
        return new Checkpointing(location, 0, 2, true, false);
    }

    public Checkpointing withEverySteps(long steps) {
        return new Checkpointing(location, steps, keep, save, resume);
    }

    public Checkpointing withKeep(int newest) {
        return new Checkpointing(location, everySteps, newest, save, resume);
    }

    /** Continue from the newest checkpoint when there is one (else start fresh). */
    public Checkpointing resuming(boolean resumeIfPresent) {
        return new Checkpointing(location, everySteps, keep, save, resumeIfPresent);
    }

    /** Whether this run writes checkpoints of its own. */
    public Checkpointing saving(boolean write) {
        return new Checkpointing(location, everySteps, keep, write, resume);
    }
}
