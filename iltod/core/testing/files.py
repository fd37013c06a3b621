"""Files for upload tests: real PDFs (with the metadata office programs write) and huge images
that are small on disk."""

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq>'
    b'</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def pdf_bytes(*, author: str = "", pages: int = 1) -> bytes:
    """A valid PDF of blank pages; with ``author``, its information dictionary and its XMP
    metadata (document and first page) name that author, as a word processor's export does."""
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    if author:
        writer.add_metadata({"/Author": author, "/Creator": "Microsoft Word", "/Producer": "Office PDF export"})
        xmp = StreamObject()
        xmp.set_data(XMP % author.encode())
        xmp[NameObject("/Type")] = NameObject("/Metadata")
        xmp[NameObject("/Subtype")] = NameObject("/XML")
        reference = writer._add_object(xmp)
        writer._root_object[NameObject("/Metadata")] = reference
        writer.pages[0][NameObject("/Metadata")] = reference
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width × height`` pixels, all black: a few kilobytes per million
    pixels on disk, one byte per pixel (and more) once decoded. Built row by row, never whole."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte + pixels
    parts = [compressor.compress(row) for _row in range(height)]
    data = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
