"""The workflow machine: SpiffWorkflow behind one adapter, deployed specs, stepping an
instance, the task projection, timers and the kept workflows."""
