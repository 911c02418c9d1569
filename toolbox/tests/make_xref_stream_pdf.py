"""Writes a one-page A4 PDF with a cross-reference stream, produced by
pyHanko's PDF writer (not lopdf), with an AcroForm that already holds a
text field named "Bidder".

Usage: make_xref_stream_pdf.py OUT.pdf
"""

import sys

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter


def main():
    writer = PdfFileWriter(stream_xrefs=True)
    font = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name('/Type'): pdf_name('/Font'),
                pdf_name('/Subtype'): pdf_name('/Type1'),
                pdf_name('/BaseFont'): pdf_name('/Helvetica'),
            }
        )
    )
    content = generic.StreamObject(
        stream_data=b'BT /F1 18 Tf 72 760 Td (Bid made by pyHanko 1,234,567) Tj ET'
    )
    resources = generic.DictionaryObject(
        {pdf_name('/Font'): generic.DictionaryObject({pdf_name('/F1'): font})}
    )
    page = PageObject(writer.add_object(content), [0, 0, 595, 842], resources)
    page_ref = writer.insert_page(page)

    field = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name('/FT'): pdf_name('/Tx'),
                pdf_name('/T'): generic.TextStringObject('Bidder'),
                pdf_name('/V'): generic.TextStringObject('Example Co.'),
                pdf_name('/Type'): pdf_name('/Annot'),
                pdf_name('/Subtype'): pdf_name('/Widget'),
                pdf_name('/Rect'): generic.ArrayObject(
                    map(generic.FloatObject, [72, 700, 272, 720])
                ),
                pdf_name('/P'): page_ref,
            }
        )
    )
    page_obj = page_ref.get_object()
    page_obj[pdf_name('/Annots')] = generic.ArrayObject([field])
    writer.root[pdf_name('/AcroForm')] = writer.add_object(
        generic.DictionaryObject(
            {pdf_name('/Fields'): generic.ArrayObject([field])}
        )
    )
    with open(sys.argv[1], 'wb') as out:
        writer.write(out)


if __name__ == '__main__':
    main()
