import { camt054Xml } from '../../../test/fixtures/camt054';
import { Camt054FormatError, parseCamt054 } from './camt054';

/** An older camt.054.001.04 with a batch-booked entry: two transactions under one entry, amounts in AmtDtls. */
const BATCH_V04 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>20260302375204000006</MsgId><CreDtTm>2026-03-02T20:00:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>20260302375204000006</Id>
      <Acct><Id><IBAN>CH4431999123000889012</IBAN></Id></Acct>
      <Ntry>
        <Amt Ccy="CHF">150.50</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-03-02</Dt></BookgDt>
        <AcctSvcrRef>ZV20260302/000001</AcctSvcrRef>
        <NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls>
            <AmtDtls><TxAmt><Amt Ccy="CHF">100.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Nm>Müller &amp; Co</Nm></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>21 00000 00003 13947 14300 09017</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
          <TxDtls>
            <AmtDtls><TxAmt><Amt Ccy="CHF">50.5</Amt></TxAmt></AmtDtls>
            <RmtInf><Ustrd>Rechnung 2026-000007</Ustrd><Ustrd>Danke</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CHF">12.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <AcctSvcrRef>FEE-2026-03</AcctSvcrRef>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>`;

describe('parseCamt054', () => {
  it('reads a camt.054.001.08 credit with its QR reference, payer and bank reference', () => {
    const xml = camt054Xml([
      {
        bankReference: 'BANK-1',
        amount: '375.32',
        reference: '210000000003139471430009017',
        debtorName: 'Client Sàrl',
      },
    ]);
    expect(parseCamt054(xml)).toEqual({
      messageId: 'MSG-20260302-1',
      transactions: [
        {
          bankReference: 'BANK-1',
          direction: 'CRDT',
          reversal: false,
          booked: true,
          amount: 37532,
          currency: 'CHF',
          bookingDate: '2026-03-02',
          reference: '210000000003139471430009017',
          debtorName: 'Client Sàrl',
          debtorIban: 'CH9300762011623852957',
          message: null,
        },
      ],
    });
  });

  it('splits a batch booking of camt.054.001.04 into its transactions, keeps debits apart', () => {
    const { transactions } = parseCamt054(BATCH_V04);
    expect(
      transactions.map((t) => [t.bankReference, t.direction, t.amount, t.reference, t.debtorName, t.message]),
    ).toEqual([
      ['ZV20260302/000001/1', 'CRDT', 10000, '210000000003139471430009017', 'Müller & Co', null],
      ['ZV20260302/000001/2', 'CRDT', 5050, null, null, 'Rechnung 2026-000007 Danke'],
      ['FEE-2026-03', 'DBIT', 1200, null, null, null],
    ]);
  });

  it.each([
    ['not XML', 'hello'],
    ['unclosed tags', '<Document><BkToCstmrDbtCdtNtfctn>'],
    ['a camt.053 statement', '<Document><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr></BkToCstmrStmt></Document>'],
    ['no message id', camt054Xml([]).replace(/<MsgId>[^<]*<\/MsgId>/, '')],
    ['an amount with a comma', camt054Xml([{ bankReference: 'B1', amount: '12,50' }])],
    ['three decimals', camt054Xml([{ bankReference: 'B1', amount: '12.505' }])],
    ['no currency', camt054Xml([{ bankReference: 'B1', amount: '12.50' }]).replace(/ Ccy="CHF"/g, '')],
    ['no bank reference', camt054Xml([{ bankReference: '', amount: '12.50' }])],
    [
      'no credit/debit indicator',
      camt054Xml([{ bankReference: 'B1', amount: '1.00' }]).replace(/<CdtDbtInd>CRDT<\/CdtDbtInd>/g, ''),
    ],
  ])('refuses %s', (_name, xml) => {
    expect(() => parseCamt054(xml)).toThrow(Camt054FormatError);
  });

  it('accepts an empty notification and trailing zeros', () => {
    expect(parseCamt054(camt054Xml([])).transactions).toEqual([]);
    expect(parseCamt054(camt054Xml([{ bankReference: 'B', amount: '1.50000' }])).transactions[0].amount).toBe(150);
  });
});
