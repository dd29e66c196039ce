"""How large a photo may be: checked by content/images.py before Pillow is imported, and
by content/raster.py before a pixel is decoded."""

MAX_PIXELS = 100_000_000  # 10,000 x 10,000: twice a 50 MP phone photo
