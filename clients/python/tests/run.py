print("PASS python: placeholder")
