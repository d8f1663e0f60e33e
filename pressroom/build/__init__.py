"""Running the pipeline: planning jobs, rendering in workers, writing the build as one commit,
and what the build knows about itself (state, stamp, manifest, preflight, proofs, changes)."""
