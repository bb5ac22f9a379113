"""Stage 5: the QR codes drawn, and the sign makers' print kit laid out."""
