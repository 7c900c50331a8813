"""How good the local model's answers are: calibration and quality statistics, pure maths."""
