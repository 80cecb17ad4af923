"""Line searches and solvers (in construction: the compiled building blocks)."""
