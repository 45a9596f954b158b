"""Exclusion monitoring's reactions to the layers below (connected in ExclusionsConfig.ready())."""
