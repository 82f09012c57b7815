"""mutualaid: plans a community's week of mutual aid."""
